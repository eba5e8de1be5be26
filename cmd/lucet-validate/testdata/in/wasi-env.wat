(module
  (import "env" "log" (func (param i32)))
  (func (export "_start")))
