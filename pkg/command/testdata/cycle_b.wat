;; See cycle_a.wat. Rebuild: wat2wasm cycle_b.wat
(module (import "a" "f" (func)) (func (export "f")))
