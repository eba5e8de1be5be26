;; call_indirect through tables, for TestCallTargets: "const" is a table
;; no code can change (its checks may be shared and leave loops); the
;; others change their table inside the loop, by table.set, table.grow or
;; a host call, so every call must check it again.
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func (result i32)))
  (import "env" "swap" (func $swap (param i32)))
  (table $const 4 funcref)
  (table $set 3 funcref)
  (table $grow 1 10 funcref)
  (table $host (export "host") 3 funcref)
  (elem (table $const) (i32.const 0) func $inc $dbl $seven)
  (elem (table $set) (i32.const 0) func $inc $inc $dbl)
  (elem (table $grow) (i32.const 0) func $dbl)
  (elem (table $host) (i32.const 0) func $inc $inc $dbl)
  (elem declare func $inc)
  (memory 1)
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $seven (type $v) (i32.const 7))
  ;; x = f(x), n times (n >= 1): the check of f is the loop header's
  ;; first effect.
  (func (export "iter") (param $f i32) (param $n i32) (param $x i32) (result i32)
    (loop $l
      (local.set $x (call_indirect $const (type $ii) (local.get $x) (local.get $f)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $x))
  ;; the same with a store before the call: a bad f traps after it.
  (func (export "iter_store") (param $f i32) (param $n i32) (param $x i32) (result i32)
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (local.set $x (call_indirect $const (type $ii) (local.get $x) (local.get $f)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $x))
  ;; g(f(x)) + f(x) + f(x+1): three calls through f, one check needed.
  (func (export "twice") (param $f i32) (param $g i32) (param $x i32) (result i32)
    (i32.add
      (i32.add
        (call_indirect $const (type $ii)
          (call_indirect $const (type $ii) (local.get $x) (local.get $f)) (local.get $g))
        (call_indirect $const (type $ii) (local.get $x) (local.get $f)))
      (call_indirect $const (type $ii) (i32.add (local.get $x) (i32.const 1)) (local.get $f))))
  ;; x = t[0](x); t[0] = t[1 + (n & 1)], n times.
  (func (export "set_loop") (param $n i32) (param $x i32) (result i32)
    (loop $l
      (local.set $x (call_indirect $set (type $ii) (local.get $x) (i32.const 0)))
      (table.set $set (i32.const 0)
        (table.get $set (i32.add (i32.const 1) (i32.and (local.get $n) (i32.const 1)))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $x))
  ;; x = t[k](x) after growing t by one $inc, n times: element k >= 1
  ;; exists from the k-th round (a trap before that).
  (func (export "grow_loop") (param $k i32) (param $n i32) (param $x i32) (result i32)
    (loop $l
      (drop (table.grow $grow (ref.func $inc) (i32.const 1)))
      (local.set $x (call_indirect $grow (type $ii) (local.get $x) (local.get $k)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $x))
  ;; x = t[0](x); the host swaps t[0] for t[1 + (n & 1)], n times.
  (func (export "host_loop") (param $n i32) (param $x i32) (result i32)
    (loop $l
      (local.set $x (call_indirect $host (type $ii) (local.get $x) (i32.const 0)))
      (call $swap (local.get $n))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $x))
  (func (export "mem0") (result i32) (i32.load (i32.const 0)))
)
