package neterr

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// IsTimeout reports whether err is a timeout or a context's deadline.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// ClosedEarly reports whether err says the peer closed or reset the
// connection.
func ClosedEarly(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
