;; Functions whose only entry interrupt check is the prologue's stack
;; check, which the runtime fails on purpose to ask for an exit
;; (abi.StackLimitInterrupt; stacklimit_test.go).
;; Rebuild: wat2wasm limit.wat -o limit.wasm
(module
  (import "t" "hook" (func $hook))
  (import "t" "tab" (table 2 funcref))
  (import "t" "slot" (global $slot i32))
  (type $t (func (param i32) (result i32)))
  (memory 1)
  ;; This instance's ping goes into the shared table at its slot; the
  ;; other instance's is at 1 - slot.
  (elem (table 0) (offset (global.get $slot)) func $ping)

  ;; fib: calls and no loop, so its entry check is the stack check; it
  ;; counts its calls in memory (i32 at 0) so that bounds checks matter.
  (func $fib (export "fib") (param $n i32) (result i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add
        (call $fib (i32.sub (local.get $n) (i32.const 1)))
        (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func (export "calls") (result i32) (i32.load (i32.const 0)))

  ;; spin: a loop with no call and no check (stopped by an injected exit).
  (func (export "spin") (loop (br 0)))

  ;; ping: fib whose calls alternate between the two instances through
  ;; the shared table (a cross-instance call runs with the callee's vmctx).
  (func $ping (export "ping") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add
        (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1))
          (i32.sub (i32.const 1) (global.get $slot)))
        (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 2))
          (i32.sub (i32.const 1) (global.get $slot)))))))

  ;; deep: recursion without end, calling the hook first at every level
  ;; when $h is not 0: traps StackOverflow at deep's entry.
  (func $deep (export "deep") (param $h i32) (result i32)
    (if (local.get $h) (then (call $hook)))
    (i32.add (call $deep (local.get $h)) (i32.const 1)))

  ;; mix: parameters of every type, more integers than registers; every
  ;; level calls the hook before it calls the next, whose entry then finds
  ;; whatever the hook did to the stack limit with all of them live.
  (func $mix (export "mix")
    (param $n i32) (param $a i64) (param $b f32) (param $c f64) (param $v v128)
    (param $d i32) (param $e i64) (param $f i32) (param $g i64) (param $h i32)
    (param $i i32) (param $j f64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then
        (i64.add
          (i64.add
            (i64.add (local.get $a) (local.get $e))
            (i64.add (local.get $g)
              (i64.extend_i32_u (i32.add (i32.add (local.get $d) (local.get $f))
                (i32.add (local.get $h) (local.get $i))))))
          (i64.add
            (i64.add (i64.trunc_f32_s (local.get $b))
              (i64.add (i64.trunc_f64_s (local.get $c)) (i64.trunc_f64_s (local.get $j))))
            (i64.mul (i64x2.extract_lane 0 (local.get $v))
              (i64x2.extract_lane 1 (local.get $v))))))
      (else
        (call $hook)
        (call $mix
          (i32.sub (local.get $n) (i32.const 1))
          (i64.add (local.get $a) (i64.const 3))
          (f32.add (local.get $b) (f32.const 1.5))
          (f64.mul (local.get $c) (f64.const 1.25))
          (i64x2.add (local.get $v) (i64x2.splat (i64.extend_i32_u (local.get $n))))
          (i32.xor (local.get $d) (local.get $n))
          (i64.sub (local.get $e) (i64.const 7))
          (i32.add (local.get $f) (i32.const 11))
          (i64.rotl (local.get $g) (i64.const 5))
          (i32.mul (local.get $h) (i32.const 3))
          (i32.add (local.get $i) (local.get $n))
          (f64.add (local.get $j) (f64.const 0.5)))))))
