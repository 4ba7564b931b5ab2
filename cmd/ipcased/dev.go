package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/auth"
)

type stringList []string

func (l *stringList) String() string     { return fmt.Sprint(*l) }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// dev holds development helpers.
//
//	ipcased dev certs -dir DIR -court 京73 -court 粤73
func dev(args []string) error {
	if len(args) == 0 || args[0] != "certs" {
		return errors.New("usage: ipcased dev certs -dir DIR -court CODE [-court CODE …]")
	}
	fs := flag.NewFlagSet("dev certs", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory for the CA, server and court certificates")
	var courts stringList
	fs.Var(&courts, "court", "court code to issue a client certificate for (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("dev certs: -dir is required")
	}
	return auth.WriteDevCerts(*dir, courts, time.Now())
}
