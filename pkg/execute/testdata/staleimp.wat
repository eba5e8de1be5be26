;; Imports one extern of each kind (stale_test.go).
;; Rebuild: wat2wasm staleimp.wat -o staleimp.wasm
(module
  (import "t" "get" (func (result i32)))
  (import "t" "mem" (memory 1))
  (import "t" "tab" (table 1 funcref))
  (import "t" "g" (global (mut i32)))
)
