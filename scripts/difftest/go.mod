module github.com/lucet-go/lucet/scripts/difftest

go 1.26.8

require (
	github.com/bytecodealliance/wasmtime-go/v37 v37.0.0
	github.com/lucet-go/lucet v0.0.0
)

replace github.com/lucet-go/lucet => ../..

require (
	github.com/cpuguy83/go-md2man/v2 v2.0.7 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	github.com/urfave/cli/v2 v2.27.7 // indirect
	github.com/xrash/smetrics v0.0.0-20240521201337-686a1a2994c1 // indirect
	golang.org/x/arch v0.33.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
