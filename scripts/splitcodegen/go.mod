// Its own module so that `go vet ./...` and `go test ./...` at the repository
// root neither build nor vet this one-shot refactoring tool.
module github.com/lucet-go/lucet/scripts/splitcodegen

go 1.26.8
