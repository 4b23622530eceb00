# The two commands of the README, and a few more. Each sets up what it needs.
#   make run [ARCH=x86_64] [APPEND="log=debug"]   build and boot in QEMU
#   make test                                     every test, both architectures
#   make bench                                    benchmarks under -icount
ARCH ?= aarch64
export ARCH

.PHONY: run test bench setup clean format
run:
	@tools/run.sh
test:
	@tools/test.sh
bench:
	@tools/bench.sh
setup:
	@tools/setup.sh
format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i
clean:
	rm -rf build
