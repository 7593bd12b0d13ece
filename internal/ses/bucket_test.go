package ses

import (
	"context"
	"testing"
	"time"
)

func TestBucket_BoundsTheSendingRate(t *testing.T) {
	b := newBucket(20, 2)
	start := time.Now()
	for range 6 {
		if err := b.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 2 at once (the burst), then 4 at 20 a second: at least 200 ms.
	if d := time.Since(start); d < 190*time.Millisecond || d > 2*time.Second {
		t.Fatalf("6 tokens took %v, want about 200ms", d)
	}
}

func TestBucket_WaitEndsWithTheContext(t *testing.T) {
	b := newBucket(0.1, 1)
	_ = b.wait(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := b.wait(ctx); err != context.DeadlineExceeded {
		t.Fatalf("err %v, want the context's deadline", err)
	}
}
