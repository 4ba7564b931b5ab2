package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeSecretFile writes b to path readable and writable by its owner only
// (0600), whatever path was before: a new file is made beside it with that
// mode and renamed over it, so that an existing file's wider mode, or a
// link at path, never decides who can read the secret.
func writeSecretFile(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
