// A pure-Go HTTP server (standard library only, CGO_ENABLED=0: a static
// binary) for the launcher tests.  It prints "ready PID PORT" and serves on
// 127.0.0.1:
//   /work?n=N    allocates, spawns N goroutines that allocate, sums: GC load
//   /mprotect    mprotect(RWX) on a page of its own text: "OK" or the errno
//   /stats       "gc=NUM goroutines=NUM"
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"syscall"
)

func work(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n <= 0 || n > 1000 {
		n = 10
	}
	var wg sync.WaitGroup
	sums := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			bufs := make([][]byte, 0, 64)
			for k := 0; k < 64; k++ {
				b := make([]byte, 4096+k)
				b[k] = byte(i + k)
				bufs = append(bufs, b)
			}
			for k, b := range bufs {
				sums[i] += int(b[k])
			}
		}(i)
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	fmt.Fprintf(w, "sum=%d\n", total)
}

func mprotect(w http.ResponseWriter, r *http.Request) {
	page := uintptr(os.Getpagesize())
	addr := reflect.ValueOf(work).Pointer() &^ (page - 1)
	_, _, e := syscall.Syscall(syscall.SYS_MPROTECT, addr, page,
		syscall.PROT_READ|syscall.PROT_WRITE|syscall.PROT_EXEC)
	if e == 0 {
		syscall.Syscall(syscall.SYS_MPROTECT, addr, page, syscall.PROT_READ|syscall.PROT_EXEC)
		fmt.Fprintln(w, "OK")
		return
	}
	if e == syscall.EPERM {
		fmt.Fprintln(w, "EPERM")
		return
	}
	fmt.Fprintln(w, e.Error())
}

func stats(w http.ResponseWriter, r *http.Request) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(w, "gc=%d goroutines=%d\n", m.NumGC, runtime.NumGoroutine())
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	http.HandleFunc("/work", work)
	http.HandleFunc("/mprotect", mprotect)
	http.HandleFunc("/stats", stats)
	fmt.Printf("ready %d %d\n", os.Getpid(), ln.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
