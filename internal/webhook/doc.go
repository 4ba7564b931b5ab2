// Package webhook notifies rights holders of changes to their matters: a
// rights holder registers a webhook URL; the consumer `webhooks` enqueues,
// in its own transaction, the public projection of every event of a matter
// where one of the webhook's parties is a party; the Dispatcher POSTs each
// one, signed with the webhook's secret, retrying with backoff, in order per
// (webhook, matter); the delivery log is readable through
// NotificationService.
package webhook
