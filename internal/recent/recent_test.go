package recent

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestMapForgetsTheOldestBeyondItsCapacity(t *testing.T) {
	m := New[string, int](2, 0)
	m.Put("a", 1)
	m.Put("b", 2)
	m.Put("a", 10) // an update keeps its place
	m.Put("c", 3)
	_, ok := m.Get("a")
	assert.False(t, ok, "a was inserted first")
	v, ok := m.Get("b")
	assert.True(t, ok)
	assert.Equal(t, 2, v)
	assert.Equal(t, 2, m.Len())
	for i := range 1000 {
		m.Put(string(rune('A'+i%50))+string(rune(i)), i)
	}
	assert.Equal(t, 2, m.Len(), "bounded")
	assert.Len(t, m.m, 2)
}

func TestMapForgetsAfterMaxAge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := New[string, int](10, time.Minute)
		m.Put("a", 1)
		time.Sleep(40 * time.Second)
		m.Put("b", 2)
		time.Sleep(30 * time.Second)
		_, ok := m.Get("a")
		assert.False(t, ok, "70s old")
		_, ok = m.Get("b")
		assert.True(t, ok, "30s old")
		time.Sleep(31 * time.Second)
		assert.Equal(t, 0, m.Len())
	})
}
