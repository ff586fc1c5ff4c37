"""Stored files of deleted records: taken off storage once the deletion commits."""

from django.db import transaction


def delete_files_on_commit(files) -> None:
    """Remove each stored file (a FieldFile) after the transaction commits.

    Never before: a rollback brings back the rows that name the files, and they must still be
    there. Empty fields are skipped; a file already gone is no error for the storage.
    """
    for file in files:
        if not file:
            continue
        storage, name = file.storage, file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
