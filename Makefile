# wavetwin: `make test` installs what is missing, configures, builds and runs the whole suite.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: setup configure build test bench demo python install-python clean

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

bench: build
	$(BUILD)/wavetwin_bench

clean:
	rm -rf $(BUILD)
