// slowserver: a TCP server with a slow handler, the pattern Go programs
// follow all the time and epoll sees from the runtime's netpoller (every
// socket registered EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET).
//
// Each connection carries messages of -size bytes.  For each message the
// handler reads the first -head bytes, works for -work (a sleep), reads the
// rest -- without a new edge: the rest was queued long before -- and echoes
// the whole message back.  The connection ends at the client's EOF.
//
// On SIGTERM or SIGINT it prints what it served and exits 0:
//
//	served conns=N msgs=N bytes_in=N bytes_out=N digest=HEX
//
// digest is the SHA-256 of the sorted hex SHA-256s of the messages, one per
// line, so a client that knows what it sent can check it in any order.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

type stats struct {
	sync.Mutex
	conns, msgs       int
	bytesIn, bytesOut int64
	sums              []string
}

func (s *stats) message(msg []byte) {
	sum := sha256.Sum256(msg)
	s.Lock()
	s.msgs++
	s.sums = append(s.sums, hex.EncodeToString(sum[:]))
	s.Unlock()
}

func (s *stats) report() string {
	s.Lock()
	defer s.Unlock()
	sums := append([]string(nil), s.sums...)
	sort.Strings(sums)
	d := sha256.Sum256([]byte(strings.Join(sums, "\n")))
	return fmt.Sprintf("served conns=%d msgs=%d bytes_in=%d bytes_out=%d digest=%s",
		s.conns, s.msgs, s.bytesIn, s.bytesOut, hex.EncodeToString(d[:]))
}

func serve(c net.Conn, st *stats, head, size int, work time.Duration) {
	defer c.Close()
	msg := make([]byte, size)
	for {
		// One read(2) of head bytes: the rest stays queued in the socket.
		if _, err := io.ReadFull(c, msg[:head]); err != nil {
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, "slowserver: read:", err)
			}
			return
		}
		time.Sleep(work)
		if _, err := io.ReadFull(c, msg[head:]); err != nil {
			fmt.Fprintln(os.Stderr, "slowserver: read rest:", err)
			return
		}
		n, err := c.Write(msg)
		st.Lock()
		st.bytesIn += int64(size)
		st.bytesOut += int64(n)
		st.Unlock()
		st.message(msg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "slowserver: write:", err)
			return
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	head := flag.Int("head", 10, "bytes read before the work")
	size := flag.Int("size", 100, "message size")
	work := flag.Duration("work", 1500*time.Millisecond, "time spent between the two reads")
	pidfile := flag.String("pidfile", "", "write the pid here once listening")
	flag.Parse()
	if *head <= 0 || *head > *size {
		fmt.Fprintln(os.Stderr, "slowserver: need 0 < -head <= -size")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp4", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "slowserver:", err)
		os.Exit(1)
	}
	if *pidfile != "" {
		if err := os.WriteFile(*pidfile, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0644); err != nil {
			fmt.Fprintln(os.Stderr, "slowserver:", err)
			os.Exit(1)
		}
	}
	st := &stats{}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		fmt.Println(st.report())
		os.Exit(0)
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "slowserver: accept:", err)
			os.Exit(1)
		}
		st.Lock()
		st.conns++
		st.Unlock()
		go serve(c, st, *head, *size, *work)
	}
}
