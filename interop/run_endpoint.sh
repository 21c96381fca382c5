#!/bin/bash
# Entry point of quicr's interop runner image. The binaries read ROLE,
# TESTCASE, REQUESTS, SSLKEYLOGFILE and QLOGDIR themselves and exit with
# 127 for a test case they do not support; exec makes their exit status
# the container's.
set -e

# Checksum offload off, routes through the simulator, /logs/qlog.
/setup.sh

case "$ROLE" in
client)
	# Wait for the simulator to be ready.
	/wait-for-it.sh sim:57832 -s -t 30
	echo "quicr client, test case ${TESTCASE}"
	# CLIENT_PARAMS is meant to split into arguments.
	# shellcheck disable=SC2086
	exec /client $CLIENT_PARAMS
	;;
server)
	echo "quicr server, test case ${TESTCASE}"
	# shellcheck disable=SC2086
	exec /server $SERVER_PARAMS
	;;
*)
	echo "unknown ROLE '${ROLE}' (want client or server)" >&2
	exit 127
	;;
esac
