;; Imports two host functions: the front door's host-function example.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "square" (func $square (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from the guest")
  (func (export "hello") (call $log (i32.const 16) (i32.const 20)))
  ;; 0² + 1² + ... + (n-1)², each square computed by the host
  (func (export "sum_squares") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (call $square (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s)))
