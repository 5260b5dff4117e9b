# wavetwin: `make test` installs what is missing, configures, builds and runs the whole suite.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: setup configure build test test-sanitize bench demo python install-python fuzz clean

setup:
	bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: setup configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The main job on the default data (Fashion-MNIST), sized to DEMO_BUDGET minutes on this machine.
DEMO_BUDGET ?= 15
demo: build
	$(BUILD)/wavetwin demo --budget $(DEMO_BUDGET) --out $(BUILD)/demo

# The Python module wavetwin (build/python); install-python puts it where /usr/bin/python3 finds it.
python: setup configure
	cmake --build $(BUILD) -j $(JOBS) --target wavetwin_python

install-python: python
	cmake --install $(BUILD) --component python

# Every libFuzzer target for FUZZ_SECONDS each, two at a time, on a library built with clang, ASan and UBSan;
# the corpora grow in $(FUZZ_BUILD)/corpus, inputs that crash are kept in $(FUZZ_BUILD)/findings.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600
GCC11 = /usr/lib/gcc/x86_64-linux-gnu/11
fuzz:
	bash scripts/setup.sh fuzz
	test -f $(FUZZ_BUILD)/CMakeCache.txt || CXX=clang++-16 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_FLAGS=--gcc-install-dir=$(GCC11) -DWAVETWIN_FUZZ=ON -DWAVETWIN_NATIVE=OFF \
	  -DWAVETWIN_BUILD_TESTS=OFF -DWAVETWIN_BUILD_BENCH=OFF -DWAVETWIN_PYTHON=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target wavetwin_fuzz
	bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(JOBS)

# The library, the command and the test suite built with ASan and UBSan (gcc) in $(SANITIZE_BUILD), then the
# suite. ASan's and LSan's reports, from a test or from a command it runs, are written to
# $(SANITIZE_BUILD)/sanitizer-reports/ and fail the target even where the test passed; UBSan's, which gcc's combined
# runtime prints only to standard error, stop the process with exit code 1, which the tests check. The Python
# module is left out: python3 would need the ASan runtime preloaded. Leaks inside libtorch are suppressed as in
# fuzzing (fuzz/lsan.supp).
SANITIZE_BUILD ?= build-sanitize
SANITIZE_REPORTS = $(CURDIR)/$(SANITIZE_BUILD)/sanitizer-reports
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=1:strict_init_order=1:check_initialization_order=1:print_suppressions=0:log_path=$(SANITIZE_REPORTS)/asan \
  LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:log_path=$(SANITIZE_REPORTS)/ubsan
test-sanitize: setup
	test -f $(SANITIZE_BUILD)/CMakeCache.txt || cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=Release \
	  -DWAVETWIN_SANITIZE=ON -DWAVETWIN_BUILD_BENCH=OFF -DWAVETWIN_PYTHON=OFF
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	rm -rf $(SANITIZE_REPORTS) && mkdir -p $(SANITIZE_REPORTS)
	cd $(SANITIZE_BUILD) && $(SANITIZE_ENV) ctest --output-on-failure --timeout 3600 -j $(JOBS) $(SANITIZE_CTEST); \
	  status=$$?; reports=$$(ls $(SANITIZE_REPORTS) | wc -l); \
	  if [ "$$reports" -gt 0 ]; then head -n 40 $(SANITIZE_REPORTS)/*; echo "test-sanitize: $$reports sanitizer reports in $(SANITIZE_REPORTS)"; exit 1; fi; \
	  echo "test-sanitize: no sanitizer report"; exit $$status

bench: build
	$(BUILD)/wavetwin_bench

clean:
	rm -rf $(BUILD)
