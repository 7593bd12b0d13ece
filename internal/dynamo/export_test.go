package dynamo

// Raw exposes the store's client and table to the external tests, which
// read raw items (a receipt's ttl) past the store.
func (s *Store) Raw() (API, string) { return s.client, s.table }
