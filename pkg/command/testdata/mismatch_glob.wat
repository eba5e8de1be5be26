;; see mismatch.wat
(module (import "a" "g" (global i32)))
