;; With cycle_b.wat: two modules importing from each other. Rebuild: wat2wasm cycle_a.wat
(module (import "b" "f" (func)) (func (export "f")))
