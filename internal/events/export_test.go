package events

import "github.com/ipcase/ipcase/internal/store"

// StampQuery is the statement Stamp sends to stamp up to limit events.
func StampQuery(limit int) (string, error) {
	return store.Inline(stampSQL, limit, ChannelPositions)
}

// ReadAfterQuery is the statement ReadAfter sends.
func ReadAfterQuery(types []Type, after int64, limit int) (string, []any) {
	return readAfter(types, after, limit)
}
