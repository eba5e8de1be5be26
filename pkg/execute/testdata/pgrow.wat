;; A guest loop whose stack position the test controls (preempt_test.go,
;; TestPreemptGrowsStack): deep(n) recurses n levels, then asks the host
;; whether to spin; the host shrinks the accessible stack to just below
;; the loop's RSP first.
;; Rebuild: wat2wasm pgrow.wat -o pgrow.wasm
(module
  (import "t" "probe" (func $probe (result i32)))
  (func $deep (export "deep") (param $n i32)
    (if (local.get $n)
      (then
        (call $deep (i32.sub (local.get $n) (i32.const 1)))
        (return)))
    (if (call $probe)
      (then (loop (br 0))))))
