"""Runs Debian's cloud-init phone_home module in isolation, as a booted server's final stage would.

Usage: phone_home.py USER_DATA_FILE KEYS_JSON
USER_DATA_FILE holds the config drive's user data as the OVH API received it: cloud-init's own
UserDataProcessor splits it into parts, the text/cloud-config parts are merged in order (the later
part's keys win, as cloud-init's default merge does for top-level keys), and cc_phone_home.handle()
posts with cloud-init's own url_helper. KEYS_JSON maps /etc/ssh/ssh_host_*_key.pub paths to their
content: the module reads the host keys through cloudinit.util.load_file, which is pointed at them.
"""
import json
import logging
import sys
from collections import namedtuple

from cloudinit import helpers, user_data, util
from cloudinit.config import cc_phone_home

Hostname = namedtuple("Hostname", ["hostname", "is_default"])


class IsolatedCloud:
    """The part of cloud-init's Cloud object the phone_home module reads."""

    paths = helpers.Paths({})

    def get_instance_id(self):
        return "i-reimage-test"

    def get_hostname(self, fqdn=False, **_kwargs):
        return Hostname("web-1.example.com" if fqdn else "web-1", False)


def merged_cloud_config(blob):
    message = user_data.UserDataProcessor(helpers.Paths({})).process(blob)
    config = {}
    for part in message.walk():
        if part.get_content_type() == "text/cloud-config":
            config.update(util.load_yaml(part.get_payload(decode=True).decode()) or {})
    return config


def main():
    with open(sys.argv[1], "rb") as handle:
        blob = handle.read()
    keys = json.loads(sys.argv[2])

    def load_file(path, *_args, **_kwargs):
        if path in keys:
            return keys[path]
        raise IOError("no such file: %s" % path)

    util.load_file = load_file
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    config = merged_cloud_config(blob)
    cc_phone_home.handle("phone_home", config, IsolatedCloud(), logging.getLogger("phone_home"), [])


if __name__ == "__main__":
    main()
