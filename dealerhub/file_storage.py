"""Where users' files are kept, read from the environment: the local disk or a private bucket
of any S3-compatible store. Settings only; nothing here touches Django's app registry."""

from django.core.exceptions import ImproperlyConfigured

LOCAL = "local"
S3 = "s3"
# A storage URL, should one ever be made, is signed and lives this many seconds.
DEFAULT_URL_EXPIRY = 60


def default_storage_from_env(env) -> dict:
    """STORAGES["default"] for the environment `env` (a django-environ Env).

    STORAGE_BACKEND=local (the default) keeps files under MEDIA_ROOT, which only works while
    every web and worker process shares that disk. STORAGE_BACKEND=s3 keeps them in the
    private bucket S3_BUCKET, so that a file one machine writes is read on another. Nothing is
    made public: objects are written with no ACL, so the bucket's private default applies; the
    site streams each file through its own access check; a URL of the store itself is signed
    and expires after S3_URL_EXPIRY seconds.
    """
    backend = env.str("STORAGE_BACKEND", default=LOCAL).strip().lower()
    if backend == LOCAL:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != S3:
        raise ImproperlyConfigured(f"STORAGE_BACKEND is {LOCAL!r} or {S3!r}, not {backend!r}.")
    bucket = env.str("S3_BUCKET", default="").strip()
    if not bucket:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET, a private bucket's name.")
    expiry = env.int("S3_URL_EXPIRY", default=DEFAULT_URL_EXPIRY)
    if not 1 <= expiry <= 3600:
        raise ImproperlyConfigured("S3_URL_EXPIRY is a number of seconds from 1 to 3600.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Unset: AWS itself; else the store's address, e.g. http://minio.internal:9000.
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            # Unset: boto3 looks further (AWS_* variables, a machine's role).
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            # Every file under this prefix, so that several sites can share one bucket.
            "location": env.str("S3_PREFIX", default="").strip("/"),
            # "path" for stores with no DNS name per bucket (most MinIO and Ceph set-ups).
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": expiry,
            # A name already taken gets another, as on the local disk: nothing is overwritten.
            "file_overwrite": False,
        },
    }
