// Package compresstest checks a package's embedded brotli variants
// (internal/compress) against its static files, for that package's test.
package compresstest

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"

	"touchaudit/internal/compress"
)

// Check reports, as one error naming the go generate that fixes it, every
// file of static (a directory of fsys, served with the types contentType
// gives) that would be compressed but has no variant in brs, and every
// variant of no file; it also decodes each variant and compares it with
// its file.
func Check(fsys fs.FS, static string, brs compress.Brotli, contentType func(name string) string, pkg string) error {
	var problems []string
	used := map[string]bool{}
	err := fs.WalkDir(fsys, static, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if !compress.Compressible(contentType(path.Base(p)), len(b)) {
			return nil
		}
		key := compress.Key(b)
		br, ok := brs[key]
		if !ok {
			problems = append(problems, "no brotli variant of "+p)
			return nil
		}
		used[key] = true
		got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br)))
		if err != nil || !bytes.Equal(got, b) {
			problems = append(problems, fmt.Sprintf("the variant of %s does not decode to it (%v)", p, err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for key := range brs {
		if !used[key] {
			problems = append(problems, "a brotli variant of no file: "+key+compress.Ext)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("%s\nrun: go generate ./%s", strings.Join(problems, "\n"), pkg)
}
