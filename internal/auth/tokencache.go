package auth

import (
	"crypto"
	"crypto/sha256"
	"sync"
	"time"
)

// maxCachedTokens bounds the verified-token cache: beyond it, expired
// entries go first, then arbitrary ones.
const maxCachedTokens = 8192

// tokenCache remembers tokens whose signature and claims were verified,
// by the SHA-256 of the token, until they expire, so that a client's every
// call does not cost a signature verification. An entry holds only while
// the key that verified it is still published unchanged (a key dropped or
// replaced in the JWKS ends it) and still may sign what it signed.
type tokenCache struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]cachedToken
}

type cachedToken struct {
	p   Principal
	key publishedKey
	exp time.Time
}

func newTokenCache() *tokenCache {
	return &tokenCache{entries: map[[sha256.Size]byte]cachedToken{}}
}

// get returns the entry of the token whose hash is h, if it has one that
// has not expired at now.
func (c *tokenCache) get(h [sha256.Size]byte, now time.Time) (cachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[h]
	if ok && !now.Before(e.exp) {
		delete(c.entries, h)
		return cachedToken{}, false
	}
	return e, ok
}

func (c *tokenCache) drop(h [sha256.Size]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, h)
}

// put remembers a verified token, making room if the cache is full.
func (c *tokenCache) put(h [sha256.Size]byte, e cachedToken, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedTokens {
		for k, old := range c.entries {
			if !now.Before(old.exp) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries { // map order is random: an arbitrary quarter
			if len(c.entries) < maxCachedTokens*3/4 {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[h] = e
}

// sameKey says whether a and b are the same public key.
func sameKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}
