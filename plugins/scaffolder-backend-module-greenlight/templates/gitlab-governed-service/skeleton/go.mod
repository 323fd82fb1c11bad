module ${{ values.goModule }}

go 1.23

// The exact toolchain every build uses; `go` downloads it (checksum-verified) when the
// installed one differs, so a runner's Go version cannot change the binary.
toolchain go1.23.4
