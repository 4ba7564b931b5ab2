package deploy_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// The image cannot be built here (no registry for the base images), so
// this test checks what a build would depend on: the Dockerfile parses and
// passes BuildKit's lint rules, the final stage runs as a non-root user,
// the context (after Dockerfile.dockerignore) and the COPY lines hold every
// file the binaries are compiled from, and the very go build commands of
// the Dockerfile, run here, produce static binaries.

func parseDockerfile(t *testing.T) []instructions.Stage {
	t.Helper()
	stages := parseContainerfile(t, "Dockerfile")
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a final one", len(stages))
	}
	return stages
}

func TestDockerfileFinalStage(t *testing.T) {
	stages := parseDockerfile(t)
	final := stages[len(stages)-1]
	if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") && final.BaseName != "scratch" {
		t.Errorf("final stage is FROM %s, want distroless/static or scratch", final.BaseName)
	}
	user, entrypoint := "", ""
	var copied []string
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.EntrypointCommand:
			entrypoint = strings.Join(c.CmdLine, " ")
		case *instructions.CopyCommand:
			for _, src := range c.SourcePaths {
				copied = append(copied, filepath.Base(src))
			}
		case *instructions.RunCommand:
			t.Errorf("final stage runs %v: it has no shell", c.CmdLine)
		}
	}
	// A numeric uid: Kubernetes' runAsNonRoot can only verify a number.
	uid, _, _ := strings.Cut(user, ":")
	if uid == "" || strings.Trim(uid, "0123456789") != "" || strings.Trim(uid, "0") == "" {
		t.Errorf("final stage USER is %q, want a numeric non-root uid", user)
	}
	if entrypoint != "/usr/local/bin/ipcased" {
		t.Errorf("ENTRYPOINT is %q, want /usr/local/bin/ipcased", entrypoint)
	}
	for _, bin := range []string{"ipcased", "ipcase-gateway", "ipcase", "ipcase-healthcheck"} {
		if !slices.Contains(copied, bin) {
			t.Errorf("final stage does not copy %s", bin)
		}
	}
}

// parseContainerfile parses a Dockerfile or Containerfile with BuildKit's
// parser and fails the test on a BuildKit lint warning.
func parseContainerfile(t *testing.T, name string) []instructions.Stage {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var warnings []string
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, _ []parser.Range) {
		warnings = append(warnings, rule+": "+msg)
	}})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, w := range warnings {
		t.Errorf("%s lint: %s", name, w)
	}
	return stages
}

// runtimeConfig is what a final stage says about running the image.
type runtimeConfig struct {
	user, entrypoint, cmd, stopSignal string
	expose                            []string
	copied                            []string // base names of the files and folders copied in
}

func finalStageConfig(t *testing.T, stage instructions.Stage) runtimeConfig {
	t.Helper()
	var c runtimeConfig
	for _, cmd := range stage.Commands {
		switch cmd := cmd.(type) {
		case *instructions.UserCommand:
			c.user = cmd.User
		case *instructions.EntrypointCommand:
			c.entrypoint = strings.Join(cmd.CmdLine, " ")
		case *instructions.CmdCommand:
			c.cmd = strings.Join(cmd.CmdLine, " ")
		case *instructions.StopSignalCommand:
			c.stopSignal = cmd.Signal
		case *instructions.ExposeCommand:
			c.expose = append(c.expose, cmd.Ports...)
		case *instructions.CopyCommand:
			for _, src := range cmd.SourcePaths {
				c.copied = append(c.copied, filepath.Base(src))
			}
		case *instructions.RunCommand:
			t.Errorf("final stage runs %v: it has no shell", cmd.CmdLine)
		}
	}
	return c
}

// deploy/Containerfile (the image scripts/image.sh builds from binaries
// compiled on the host) runs exactly as deploy/Dockerfile's final stage:
// same user, entrypoint, command and ports, with the same binaries, plus
// what distroless/static brings (CA bundle, zoneinfo, passwd and group).
func TestContainerfileRunsAsDockerfile(t *testing.T) {
	docker := parseDockerfile(t)
	want := finalStageConfig(t, docker[len(docker)-1])
	stages := parseContainerfile(t, "Containerfile")
	if len(stages) != 1 || stages[0].BaseName != "scratch" {
		t.Fatalf("Containerfile: want one stage FROM scratch, got %d (first FROM %s)", len(stages), stages[0].BaseName)
	}
	got := finalStageConfig(t, stages[0])
	if got.user != want.user || got.entrypoint != want.entrypoint || got.cmd != want.cmd ||
		got.stopSignal != want.stopSignal || !slices.Equal(got.expose, want.expose) {
		t.Errorf("Containerfile runs as %+v, Dockerfile as %+v", got, want)
	}
	for _, f := range append([]string{"ca-certificates.crt", "zoneinfo", "passwd", "group", "ipcase"}, want.copied...) {
		if !slices.Contains(got.copied, f) {
			t.Errorf("Containerfile does not copy %s", f)
		}
	}
	// scripts/image.sh builds the context from these very paths.
	script, err := os.ReadFile("../scripts/image.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "-f deploy/Containerfile") {
		t.Error("scripts/image.sh does not build deploy/Containerfile")
	}
}

// goBuild is one `go build` of the Dockerfile: where it runs and its
// arguments after "go".
type goBuild struct {
	dir  string // relative to the build stage's WORKDIR (the repository root)
	args []string
}

func TestDockerfileBuildsStaticBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the three commands")
	}
	stages := parseDockerfile(t)
	build := stages[0]
	env := map[string]string{}
	var builds []goBuild
	var copies []string
	lex := shell.NewLex('\\')
	for _, c := range build.Commands {
		switch c := c.(type) {
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				env[kv.Key] = kv.Value
			}
		case *instructions.CopyCommand:
			if c.From == "" {
				copies = append(copies, c.SourcePaths...)
			}
		case *instructions.RunCommand:
			line := strings.Join(c.CmdLine, " ")
			for _, part := range strings.Split(line, "&&") {
				words, err := lex.ProcessWords(strings.TrimSpace(part), shell.EnvsFromSlice(nil))
				if err != nil {
					t.Fatalf("RUN %s: %v", line, err)
				}
				switch {
				case len(words) == 2 && words[0] == "cd":
					builds = append(builds, goBuild{dir: words[1]})
				case len(words) > 2 && words[0] == "go" && words[1] == "build":
					if n := len(builds); n > 0 && builds[n-1].args == nil {
						builds[n-1].args = words[1:]
					} else {
						builds = append(builds, goBuild{dir: ".", args: words[1:]})
					}
				}
			}
		}
	}
	if env["CGO_ENABLED"] != "0" {
		t.Errorf("build stage sets CGO_ENABLED=%q, want 0", env["CGO_ENABLED"])
	}
	var pkgs []string
	for _, b := range builds {
		if !slices.Contains(b.args, "-trimpath") || !slices.Contains(b.args, "-ldflags=-s -w") {
			t.Errorf("go %v: want -trimpath and -ldflags='-s -w'", b.args)
		}
		for _, a := range b.args {
			if strings.HasPrefix(a, "./") {
				pkgs = append(pkgs, filepath.Join(b.dir, a))
			}
		}
	}
	for _, want := range []string{"cmd/ipcased", "cmd/ipcase-gateway", "cmd/ipcase", "deploy/healthcheck"} {
		if !slices.Contains(pkgs, want) {
			t.Errorf("the Dockerfile builds %v, not %s", pkgs, want)
		}
	}

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	checkContext(t, root, copies, pkgs)

	// Run the Dockerfile's own builds, writing to a temporary folder instead
	// of /out.
	out := t.TempDir()
	for _, b := range builds {
		args := slices.Clone(b.args)
		for i := range args {
			if i > 0 && args[i-1] == "-o" {
				args[i] = filepath.Join(out, strings.TrimPrefix(args[i], "/out")) + string(filepath.Separator)
				if !strings.HasSuffix(b.args[i], "/") {
					args[i] = strings.TrimSuffix(args[i], string(filepath.Separator))
				}
			}
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Join(root, b.dir)
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+env["CGO_ENABLED"])
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, b)
		}
	}
	for _, bin := range []string{"ipcased", "ipcase-gateway", "ipcase", "ipcase-healthcheck"} {
		checkStatic(t, filepath.Join(out, bin))
	}
}

// checkStatic fails unless the ELF file at path needs no dynamic loader: no
// PT_INTERP and no dynamic section, so it runs in an image without libc.
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Errorf("%s: %v", filepath.Base(path), err)
		return
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s has a %s program header: it is linked dynamically", filepath.Base(path), p.Type)
		}
	}
	if f.Section(".dynamic") != nil || f.Section(".interp") != nil {
		t.Errorf("%s has a dynamic section", filepath.Base(path))
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs %v", filepath.Base(path), libs)
	}
}

// checkContext fails for a file a binary is compiled from (Go sources and
// embedded files of the repository's packages they import) that the build
// would not see: left out of the context by Dockerfile.dockerignore or not
// under any COPY of the build stage.
func checkContext(t *testing.T, root string, copies, pkgs []string) {
	t.Helper()
	f, err := os.Open("Dockerfile.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	ignored, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, mod := range []string{".", "deploy"} {
		var args []string
		for _, p := range pkgs {
			rel, err := filepath.Rel(mod, p)
			if err == nil && !strings.HasPrefix(rel, "..") && (mod != "." || !strings.HasPrefix(p, "deploy/")) {
				args = append(args, "./"+rel)
			}
		}
		cmd := exec.Command("go", append([]string{"list", "-deps", "-f",
			`{{if and .Module .Module.Main}}{{range .GoFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}{{end}}`}, args...)...)
		cmd.Dir = filepath.Join(root, mod)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list in %s: %v", mod, err)
		}
		for _, l := range strings.Fields(string(b)) {
			rel, _ := filepath.Rel(root, l)
			files = append(files, filepath.ToSlash(rel))
		}
		files = append(files, filepath.ToSlash(filepath.Join(mod, "go.mod")), filepath.ToSlash(filepath.Join(mod, "go.sum")))
	}
	if len(files) < 50 {
		t.Fatalf("go list found only %d files", len(files))
	}
	for _, file := range files {
		if skip, err := ignored.MatchesOrParentMatches(file); err != nil || skip {
			t.Errorf("%s is left out of the build context by Dockerfile.dockerignore", file)
			continue
		}
		if !slices.ContainsFunc(copies, func(src string) bool {
			src = strings.TrimSuffix(src, "/")
			return file == src || strings.HasPrefix(file, src+"/")
		}) {
			t.Errorf("%s is under no COPY of the build stage", file)
		}
	}
}
