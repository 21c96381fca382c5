package quic

import (
	"container/list"
	"sync"
)

// A TokenStore keeps the address-validation tokens a server gave a client
// in NEW_TOKEN frames (RFC 9000, 8.1.3), keyed by server name, so that the
// next connection to that server can skip address validation.
type TokenStore interface {
	// Pop returns a token for key and forgets it: tokens are single-use
	// (RFC 9000, 8.1.4). It returns nil if there is none.
	Pop(key string) []byte
	// Put stores a token for key.
	Put(key string, token []byte)
}

// NewLRUTokenStore returns a TokenStore holding up to tokensPerServer tokens
// for each of up to maxServers servers, evicting the least recently used.
func NewLRUTokenStore(maxServers, tokensPerServer int) TokenStore {
	return &lruTokenStore{max: max(maxServers, 1), per: max(tokensPerServer, 1), m: map[string]*list.Element{}, l: list.New()}
}

type lruTokenStore struct {
	mu       sync.Mutex
	max, per int
	m        map[string]*list.Element
	l        *list.List
}

type lruEntry struct {
	key    string
	tokens [][]byte
}

func (s *lruTokenStore) Put(key string, token []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.m[key]; ok {
		e := el.Value.(*lruEntry)
		e.tokens = append(e.tokens, token)
		if len(e.tokens) > s.per {
			e.tokens = e.tokens[1:]
		}
		s.l.MoveToFront(el)
		return
	}
	s.m[key] = s.l.PushFront(&lruEntry{key: key, tokens: [][]byte{token}})
	if s.l.Len() > s.max {
		old := s.l.Back()
		s.l.Remove(old)
		delete(s.m, old.Value.(*lruEntry).key)
	}
}

func (s *lruTokenStore) Pop(key string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.m[key]
	if !ok {
		return nil
	}
	e := el.Value.(*lruEntry)
	t := e.tokens[len(e.tokens)-1]
	e.tokens = e.tokens[:len(e.tokens)-1]
	if len(e.tokens) == 0 {
		s.l.Remove(el)
		delete(s.m, key)
	}
	return t
}
