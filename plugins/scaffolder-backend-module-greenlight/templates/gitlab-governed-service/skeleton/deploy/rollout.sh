#!/usr/bin/env bash
# The one place that knows how this service is deployed. The pipeline calls it; replace
# the bodies with your platform's commands (Argo Rollouts, Flagger, a service mesh, a
# load balancer API). Greenlight decides, the platform executes.
#
#   deploy/rollout.sh start   <environment> <image@digest> <canary|blue-green> <steps>
#       Start the new version next to the current one: for canary, send the first share
#       of traffic (steps is a comma list of percentages, e.g. 10,50); for blue-green,
#       bring up the idle colour without traffic and run its smoke checks. Label the new
#       pods track=canary and the current ones track=stable (or baseline), as the SLO
#       gates' queries expect.
#   deploy/rollout.sh promote <environment>
#       Greenlight promoted the rollout: send all traffic to the new version and retire
#       the old one.
#   deploy/rollout.sh abort   <environment>
#       Greenlight rolled the rollout back or the wait failed: send all traffic back to
#       the old version and remove the new one. Must be safe to run twice.
set -euo pipefail

action="${1:?start, promote or abort}"
environment="${2:?environment}"

case "$action" in
  start)
    image="${3:?image@digest}"
    strategy="${4:?canary or blue-green}"
    steps="${5:-}"
    echo "Deploying $image to $environment ($strategy${steps:+, steps $steps})"
    echo "Replace deploy/rollout.sh with your platform's deployment commands." >&2
    exit 1
    ;;
  promote | abort)
    echo "$action $environment"
    echo "Replace deploy/rollout.sh with your platform's deployment commands." >&2
    exit 1
    ;;
  *)
    echo "unknown action $action" >&2
    exit 2
    ;;
esac
