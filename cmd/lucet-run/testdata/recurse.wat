;; Unbounded recursion, for the stack-overflow backtrace. Rebuild: wat2wasm recurse.wat
(module
  (func $down (export "down") (param i32) (result i32)
    (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
