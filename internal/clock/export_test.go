package clock

// Attempts is how many times Run tried to take the lock.
func (w *Sweeper) Attempts() int64 { return w.lock.Attempts() }

// Terms is how many times Run took the lock.
func (w *Sweeper) Terms() int64 { return w.lock.Terms() }
