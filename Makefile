# The two commands (see README.md). The scripts do the work; make only names them.
.PHONY: run test build bench
run:
	@scripts/run.sh
test:
	@scripts/test.sh
build:
	@scripts/setup.sh
	@scripts/build.sh
bench:
	@scripts/bench.sh
