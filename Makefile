# Spindle — top-level tasks. `make test` runs the whole suite; `make run` the demo.
MVN ?= mvn
MVNFLAGS ?= -B -ntp
JAVA ?= java

.PHONY: help run test build clean bench-hal bench-threading bench-mqtt

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-18s %s\n",$$1,$$2}'

build: ## compile and package every module, skipping tests (the CLDC check still runs)
	$(MVN) $(MVNFLAGS) -q package -DskipTests

test: ## the whole suite: unit, integration, CLDC check, benchmark smoke runs
	$(MVN) $(MVNFLAGS) verify

run: ## the demo (until the fleet demo exists: a priority producer/consumer on Spindle threads)
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl firmware/examples -am
	$(JAVA) -cp firmware/threading/target/classes:firmware/examples/target/classes dev.spindle.examples.PriorityDemo

bench-threading: ## threading benchmarks vs java.util.concurrent (~5 min, 2 cores): bench/results/threading.json, docs/benchmarks.md
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/threading -am
	$(JAVA) -Djdk.attach.allowAttachSelf=true -Djol.skipHotspotSAAttach=true \
	  -cp bench/threading/target/classes:$$(cat bench/threading/target/classpath.txt) \
	  dev.spindle.bench.threading.BenchMain

clean: ## remove build output
	$(MVN) $(MVNFLAGS) -q clean

bench-hal: ## HAL benchmark: GPIO toggle and edge latency vs raw Pi4J (mock platform), serial loopback vs line rate
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/hal -am
	$(JAVA) -jar bench/hal/target/bench-hal.jar --out bench/results/hal.txt $(BENCH_HAL_ARGS)

bench-mqtt: ## MQTT benchmarks through Mosquitto (~2 min): ping round trip vs raw Paho, monitor ingest vs mosquitto_sub: bench/results/mqtt.json, docs/benchmarks.md
	$(MVN) $(MVNFLAGS) -q package -DskipTests -pl bench/mqtt -am
	$(JAVA) -cp bench/mqtt/target/classes:$$(cat bench/mqtt/target/classpath.txt) dev.spindle.bench.mqtt.MqttBench $(BENCH_MQTT_ARGS)
