"""A real S3 server on 127.0.0.1 (moto's, over HTTP), and a bucket for a test's uploads.

Not a mocked client: boto3 speaks HTTP to the server as it would to any S3-compatible
store, so a test sees what a bucket really holds and what a dead endpoint does.
"""

import json
import random
import socket
from dataclasses import dataclass
from threading import Thread
from uuid import uuid4

import boto3
import pytest
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from montage.settings import _media_storage_from_env
from tests.servers import PORTS

KEY, SECRET = "montage-test-key", "montage-test-secret"


def free_port_socket():
    """A listening socket on a free port of the suite's range (tests/servers.py), held
    from the moment it is found, so no other server takes it first."""
    for port in random.sample(PORTS, len(PORTS)):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", port))
        except OSError:
            listener.close()
            continue
        listener.listen(64)
        return listener
    raise RuntimeError(f"No free port from {PORTS.start} to {PORTS.stop - 1}.")


def unused_address():
    """An address on 127.0.0.1 where nothing listens: an S3 server that is down."""
    listener = free_port_socket()
    port = listener.getsockname()[1]
    listener.close()
    return f"http://127.0.0.1:{port}"


@dataclass
class S3Server:
    url: str
    requests: list  # (method, path) of each request the server was sent, in order

    def reads(self):
        """The requests that fetched an object or asked after one."""
        return [
            (method, path)
            for method, path in self.requests
            if method in {"GET", "HEAD"} and path.strip("/").count("/") >= 1
        ]


def _recording(app, requests):
    def recorded(environ, start_response):
        requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return app(environ, start_response)

    return recorded


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server, listening before this returns (no wait), for the whole session."""
    listener = free_port_socket()
    port = listener.getsockname()[1]
    requests = []
    server = make_server(
        "127.0.0.1",
        port,
        _recording(DomainDispatcherApplication(create_backend_app), requests),
        threaded=True,
        request_handler=MotoRequestHandler,
        fd=listener.fileno(),
    )
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield S3Server(url=f"http://127.0.0.1:{port}", requests=requests)
    server.shutdown()
    thread.join(timeout=10)
    listener.close()


@dataclass
class Bucket:
    client: object
    name: str
    url: str

    def object_names(self):
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(entry["Key"] for entry in listing.get("Contents", []))

    def head(self, key):
        return self.client.head_object(Bucket=self.name, Key=key)


def s3_environment(*, endpoint, bucket):
    """The environment an operator sets to keep uploads on ``bucket`` at ``endpoint``."""
    return {
        "MEDIA_STORAGE": f"s3://{bucket}",
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET,
    }


def s3_media_settings(monkeypatch, settings, *, endpoint, bucket):
    """Uploads put on ``bucket`` at ``endpoint`` through the settings' own reading of
    MEDIA_STORAGE and AWS_*, as an operator would configure them."""
    for name, value in s3_environment(endpoint=endpoint, bucket=bucket).items():
        monkeypatch.setenv(name, value)
    storage, origin = _media_storage_from_env()
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MONTAGE_MEDIA_ORIGIN = origin


def public_read_policy(bucket):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def bucket_create(server):
    """A new, empty bucket on ``server`` that readers may read, as README's "Storing
    uploads on S3" sets one up."""
    name = f"montage-{uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=name)
    client.put_bucket_policy(Bucket=name, Policy=public_read_policy(name))
    return Bucket(client=client, name=name, url=f"{server.url}/{name}")


@pytest.fixture
def s3_bucket(s3_server, monkeypatch, settings):
    """A new, empty bucket on the S3 server, where this test's uploads go."""
    bucket = bucket_create(s3_server)
    s3_media_settings(monkeypatch, settings, endpoint=s3_server.url, bucket=bucket.name)
    s3_server.requests.clear()
    return bucket
