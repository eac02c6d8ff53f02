"""Merges left behind by forced import undos made before the undo took them back (a
newcomer's review): a person the undone import created, merged since into someone,
is gone with the import, yet the merge was still listed as not undone, and undoing it
brought back an empty person. Such merges are marked undone (when the import was),
their reason saying why. Nothing to reverse: the old state was the bug."""

from django.db import migrations

CHUNK = 500


def retire(apps, schema_editor):
    ImportRun = apps.get_model("importers", "ImportRun")
    ImportChange = apps.get_model("importers", "ImportChange")
    MergeRecord = apps.get_model("identity", "MergeRecord")
    Person = apps.get_model("people", "Person")
    for run in ImportRun.objects.filter(undone_at__isnull=False).order_by("id").iterator():
        created: set[int] = set()
        for ids in ImportChange.objects.filter(
            run=run, table="people.person", row__isnull=True
        ).values_list("ids", flat=True):
            created.update(i for i in ids or [] if isinstance(i, int))
        ordered = sorted(created)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            back = set(Person.objects.filter(id__in=chunk).values_list("id", flat=True))
            stale = MergeRecord.objects.filter(
                owner_id=run.owner_id, merged_id__in=chunk, undone_at__isnull=True
            ).exclude(merged_id__in=back)
            for merge in stale:
                note = f"; retired: import #{run.pk}, which made the person, was undone"
                merge.undone_at = run.undone_at
                merge.reason = (merge.reason + note)[-300:]
                merge.save(update_fields=["undone_at", "reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("importers", "0005_sourcerecord_to_identity"),
        ("identity", "0002_sourcerecord_from_importers"),
    ]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
