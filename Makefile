# Spindle — top-level tasks. `make test` runs the whole suite; `make run` the demo.
MVN ?= mvn
MVNFLAGS ?= -B -ntp
JAVA ?= java

.PHONY: help run test build bundle clean bench-hal bench-threading bench-mqtt bench-deploy bench-fleet screenshots dist

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-18s %s\n",$$1,$$2}'

build: ## compile and package every module, skipping tests (the CLDC check still runs)
	$(MVN) $(MVNFLAGS) -q package -DskipTests

test: ## the whole suite: unit, integration, CLDC check, benchmark smoke runs
	$(MVN) $(MVNFLAGS) verify

DIST_ARCHIVE = dist/target/spindle-agent-$$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1).tar.gz

dist: ## the agent's release archive for a board: dist/target/spindle-agent-VERSION.tar.gz (agent, launcher, systemd unit, config, install.sh; docs/field.md)
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl dist -am
	@echo "release archive: $(DIST_ARCHIVE)"
	@tar tzf $(DIST_ARCHIVE) | grep -E '/(install.sh|bin/spindle-agent|spindle-agent.service|agent.properties)$$'

run: ## the fleet demo: embedded broker, three simulated boards running example firmware, live view (Ctrl-C stops)
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl host-tools -am
	@# 130: stopped with Ctrl-C, the way the demo is meant to end (not a make error)
	$(JAVA) -jar host-tools/target/spindle.jar demo || [ $$? -eq 130 ]

bench-threading: ## threading benchmarks vs java.util.concurrent (~5 min, 2 cores): bench/results/threading.json, docs/benchmarks.md
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/threading -am
	$(JAVA) -Djdk.attach.allowAttachSelf=true -Djol.skipHotspotSAAttach=true \
	  -cp bench/threading/target/classes:$$(cat bench/threading/target/classpath.txt) \
	  dev.spindle.bench.threading.BenchMain

# Bundles (docs/deploy.md). The development key is made on first use in a git-ignored directory;
# production keys come from `spindle keygen` and are given with DEV_KEY=path/to/NAME.key.
SPINDLE_JAR := host-tools/target/spindle.jar
DEV_KEYS ?= .dev-keys
DEV_KEY ?= $(DEV_KEYS)/dev.key
BUNDLE_DIR ?= firmware/examples/target/bundles
BUNDLE_SPECS := $(wildcard firmware/examples/src/bundle/*.properties)

bundle: ## build each example firmware into a signed bundle in firmware/examples/target/bundles (development key)
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl firmware/examples,host-tools -am
	@if [ ! -f "$(DEV_KEY)" ]; then \
	  echo "making the development signing key $(DEV_KEY) (for development boards only)"; \
	  $(JAVA) -jar $(SPINDLE_JAR) keygen --out "$(dir $(DEV_KEY))" --name "$(basename $(notdir $(DEV_KEY)))"; \
	fi
	@mkdir -p $(BUNDLE_DIR)
	@set -e; payload=$$(ls firmware/examples/target/spindle-examples-*-bundle.zip); \
	for spec in $(BUNDLE_SPECS); do \
	  out=$(BUNDLE_DIR)/$$(basename $$spec .properties).zip; \
	  $(JAVA) -jar $(SPINDLE_JAR) bundle --from "$$payload" --spec "$$spec" --out "$$out"; \
	  $(JAVA) -jar $(SPINDLE_JAR) sign "$$out" --key "$(DEV_KEY)"; \
	  $(JAVA) -jar $(SPINDLE_JAR) verify "$$out" --trust "$(DEV_KEY:.key=.pub)"; \
	done

clean: ## remove build output
	$(MVN) $(MVNFLAGS) -q clean

bench-hal: ## HAL benchmark: GPIO toggle and edge latency vs raw Pi4J (mock platform), serial loopback vs line rate
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/hal -am
	$(JAVA) -jar bench/hal/target/bench-hal.jar --out bench/results/hal.txt $(BENCH_HAL_ARGS)

screenshots: ## docs/dashboard-fleet.png and docs/dashboard-board.png, taken in headless Chromium (docs/dashboard.md)
	$(MVN) $(MVNFLAGS) -q test -pl host-tools -am -Dtest=DashboardScreenshots -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dspindle.screenshots.dir=$(CURDIR)/docs

bench-mqtt: ## MQTT benchmarks through Mosquitto (~2 min): ping round trip vs raw Paho, monitor ingest vs mosquitto_sub: bench/results/mqtt.json, docs/benchmarks.md
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/mqtt -am
	$(JAVA) -cp bench/mqtt/target/classes:$$(cat bench/mqtt/target/classpath.txt) dev.spindle.bench.mqtt.MqttBench $(BENCH_MQTT_ARGS)

bench-deploy: ## deploy transfer through Mosquitto vs a raw Paho QoS 1 stream (~2 min): bench/results/deploy.json, docs/benchmarks.md
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/deploy -am
	$(JAVA) -cp bench/deploy/target/classes:$$(cat bench/deploy/target/classpath.txt) dev.spindle.bench.deploy.DeployBench $(BENCH_DEPLOY_ARGS)

bench-fleet: ## fleet at scale (~15 min): 1,000 simulated boards through Mosquitto, monitors, a dashboard, a broker restart, 1 MiB rollouts to 100 and 1,000 boards: bench/results/fleet.json, docs/benchmarks.md
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/fleet -am
	ulimit -n 20000 2>/dev/null || ulimit -n $$(ulimit -Hn); \
	$(JAVA) -cp bench/fleet/target/classes:$$(cat bench/fleet/target/classpath.txt) dev.spindle.bench.fleet.FleetBench $(BENCH_FLEET_ARGS)
