# bench.mk - the benchmark's static program, its smoke test in `make check`.

LDLIBS += -lm

BENCH_TINY := $(BUILD)/bench-tiny
TINY_FLAGS := -static -O2 -fno-stack-protector -fno-asynchronous-unwind-tables
# Without libc where tiny.c has a raw entry point (x86_64, aarch64).
TINY_NOLIBC := $(if $(filter x86_64 aarch64,$(shell $(CC) -dumpmachine | cut -d- -f1)),-nostdlib)

all: $(BENCH_TINY)
$(BENCH_TINY): bench/tiny/tiny.c | $(BUILD)
	$(CC) $(TINY_FLAGS) $(TINY_NOLIBC) -o $@ $<

FORMAT_SRC += bench/tiny/tiny.c

# Structure and exit codes only: never absolute times.
CHECK_STEPS += bench-smoke
# hyperfine and every runtime: bench-smoke times each (missing: a failure)
DEPS_CHECK  += runtimes
BENCH_OUT := $(BUILD)/check/bench
.PHONY: bench-smoke
bench-smoke: $(BIN) $(BENCH_TINY) vm-image-host
	tests/bench-smoke.sh $(BIN) $(BENCH_OUT)
