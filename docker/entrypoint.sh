#!/bin/sh
# Container entry point: java ${JAVA_OPTS:-$(cat /opt/cinnabar/jvm-options)} -jar /opt/cinnabar/cinnabar.jar [config] [--option value ...]
#
# - If /usr/local/etc/cinnabar/redis.conf exists (mounted), it is the config file, and any
#   arguments are applied after it, as redis-server does with options after a config path.
# - If the first argument is a path (not an --option), it is used as the config file instead.
# - Without any config file, protected mode is turned off (as the official Redis image does):
#   otherwise clients from other containers or the host would be refused. Set requirepass or
#   restrict the published port in that case.
set -eu
CONF=/usr/local/etc/cinnabar/redis.conf
JAR=/opt/cinnabar/cinnabar.jar

if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
  : # first argument is a config path given by the user
elif [ -f "$CONF" ]; then
  set -- "$CONF" "$@"
else
  set -- --protected-mode no "$@"
fi

# The flags are split on spaces on purpose (several flags in one variable).
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-$(cat /opt/cinnabar/jvm-options)} -jar "$JAR" "$@"
