# The two commands of the README, plus helpers. Everything is configurable by environment
# variables (see README.md, "Configuration").
.PHONY: run test test-faults bench build bootstrap clean token screenshots

run:        ## the whole suite locally: PostgreSQL, broker, the five services, demo data
	@bash deploy/local/run.sh

test:       ## unit, integration and end-to-end tests against a real PostgreSQL and broker
	@bash deploy/local/test.sh

test-faults: ## the fault suite: kills, broker pauses, database restarts under load (FAULT_CASES=200)
	@bash deploy/local/faults.sh

bench:      ## the performance benchmark: ceilings, then the pipeline (BENCH_CASES=5000); bench-results/latest.*
	@bash deploy/local/bench.sh

screenshots: ## the portal's pictures in docs/screenshots (the demo data in headless Chromium)
	@bash deploy/local/browser.sh screenshots

token:      ## a bearer token for the local stack: make token ORG=municipality:4001 ROLE=caseworker
	@bash deploy/local/token.sh

build:
	@bash deploy/local/bootstrap.sh && swift build

bootstrap:  ## install what is missing (Debian packages; broker and librdkafka into .local/)
	@bash deploy/local/bootstrap.sh

clean:
	rm -rf .build .local/test .local/run .local/faults .local/bench .local/browser
