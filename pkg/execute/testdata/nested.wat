;; A guest that spins after a re-entrant call (preempt_test.go).
;; Rebuild: wat2wasm nested.wat -o nested.wasm
(module
  (import "t" "host" (func $host))
  (func (export "inner") (result i32) (i32.const 7))
  ;; outer: calls the host function, which calls inner back (a nested
  ;; call on the same guest stack), then loops with no call and no
  ;; interrupt check.
  (func (export "outer")
    (call $host)
    (loop (br 0))))
