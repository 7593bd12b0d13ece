package memstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"touchaudit/internal/atomicfile"
)

// SaveFile writes the whole state to path as JSON, atomically (a temporary
// file renamed over the old one), so a local run can continue the next.
func (s *Store) SaveFile(path string) error {
	s.mu.Lock()
	b, err := json.MarshalIndent(&s.state, "", "  ")
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("memstore: encode state: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o644); err != nil {
		return fmt.Errorf("memstore: save: %w", err)
	}
	return nil
}

// LoadFile returns a store holding the state saved at path, or an empty
// store if there is no such file yet.
func LoadFile(path string) (*Store, error) {
	s := New()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("memstore: load: %w", err)
	}
	if err := json.Unmarshal(b, &s.state); err != nil {
		return nil, fmt.Errorf("memstore: load %s: %w", path, err)
	}
	s.state.init()
	return s, nil
}
