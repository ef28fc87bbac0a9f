"""The Data page's pieces: upload, map columns, validate, pick the encoder, embed as a server job, keep.

The engine work is in `vidrec_core.data` (readers, prepare, kept, embed_kept) and `vidrec_core.embed`; embedding
runs in the server's job runner (`vidrec_ui.jobs`), so it outlives the tab. This module only reads widgets and
draws, one small function per step. Every catalog text is shown as plain text (`md_escape`,
`st.dataframe`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.jobs import Job, JobState
from vidrec_core.core.notice import Notice, joined
from vidrec_core.core.settings import DATA_DIR, max_rows
from vidrec_core.data.embed_kept import EmbedOutcome, embed_job_key, embed_kept_catalog
from vidrec_core.data.kept import KeptCatalog, KeptCatalogs
from vidrec_core.data.prepare import (
    TITLES_ONLY_MESSAGE,
    count_duplicate_ids,
    default_text_fields,
    list_cell_preview,
    prepare_catalog,
    propose_encoder,
    text_field_choices,
)
from vidrec_core.data.readers import ENCODINGS, RawTable, codec_label, read_bytes_table
from vidrec_core.data.schema import EXTRA_PREFIX, Catalog, guess_column_roles
from vidrec_core.embed.registry import ENCODERS, label, max_tokens
from vidrec_ui.jobs import POLL_SECONDS, job_runner, recently_ended, rerun_when_one_ends, show_job
from vidrec_ui.notices import plain, say
from vidrec_ui.resources import cached_encoder, kept_catalogs
from vidrec_ui.sidebar import SHARED_SERVER, select_catalog
from vidrec_ui.text import md_escape

# How the Data page names each column role.
ROLE_LABELS: dict[str, str] = {
    "title": "Title (required)",
    "overview": "Description",
    "genres": "Genres",
    "keywords": "Tags / keywords",
    "year": "Year or date",
    "runtime": "Duration",
    "language": "Language",
    "id": "Id",
    "tagline": "Tagline",
    "popularity": "Popularity / views",
    "vote_average": "Rating",
    "director": "Director",
    "cast": "Cast",
    "creator": "Creator / channel / author",
}
MAIN_ROLES = ("title", "overview", "genres", "keywords", "year", "runtime", "language", "id")
MORE_ROLES = ("tagline", "popularity", "vote_average", "director", "cast", "creator")
NONE = "—"
PREVIEW_ROWS = 20
FLASH_KEY = "data_flash"
MY_JOBS_KEY = "data_my_jobs"  # job number -> key of the embeddings this session started
DISMISSED_KEY = "data_jobs_dismissed"  # ended jobs this session no longer wants listed
JOBS_SEEN_KEY = "data_jobs_seen"  # jobs the jobs list showed active on its last look


def _short_hash(*parts: object) -> str:
    return hashlib.blake2b(json.dumps(parts, sort_keys=True, default=str).encode(), digest_size=6).hexdigest()


def preview_frame(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """First rows as plain strings (lists joined), safe for st.dataframe whatever the cell types."""
    return frame.head(rows).map(list_cell_preview).astype(str)


def read_upload_cached(data: bytes, file_name: str, file_id: str, encoding: str, sheet: str | None = None) -> RawTable:
    """Read once per uploaded file, encoding and sheet; reruns (every widget change) reuse the table."""
    key = (file_id, encoding, sheet)
    cached = st.session_state.get("data_raw")
    if cached is not None and cached[0] == key:
        return cached[1]
    raw = read_bytes_table(data, file_name, encoding=encoding, limit=max_rows(), sheet=sheet)
    st.session_state["data_raw"] = (key, raw)
    return raw


def show_error(exc: VidrecError) -> None:
    """A file that cannot be read, or a step that failed: the plain message (what is wrong, where, what to do). What
    the parser itself said, and any setting to change, go to the page's expander for engineers, since a bug report
    needs them and a user does not."""
    say(exc.notice, st.error)


def _field_label(field: str, roles: dict[str, str]) -> str:
    if field.startswith(EXTRA_PREFIX):
        return f"column '{field[len(EXTRA_PREFIX) :]}'"
    return f"{ROLE_LABELS.get(field, field).replace(' (required)', '')} ('{roles.get(field, '')}')"


def role_selectors(raw: RawTable, ns: str) -> dict[str, str]:
    """One selectbox per role, prefilled by the column-name guesses; returns role -> column."""
    guesses = guess_column_roles(raw.columns)
    options = [NONE, *raw.columns]
    roles: dict[str, str] = {}

    def selector(container, role: str) -> None:
        guess = guesses.get(role)
        value = container.selectbox(
            ROLE_LABELS[role],
            options,
            index=options.index(guess) if guess in options else 0,
            key=f"data_{ns}_role_{role}",
        )
        if value != NONE:
            roles[role] = value

    columns = st.columns(4)
    for n, role in enumerate(MAIN_ROLES):
        selector(columns[n % 4], role)
    with st.expander("More columns: tagline, popularity, rating, director, cast, creator"):
        more = st.columns(4)
        for n, role in enumerate(MORE_ROLES):
            selector(more[n % 4], role)
    return roles


def _proposal_frame(raw: RawTable, roles: dict[str, str]) -> pd.DataFrame:
    title = raw.frame[roles["title"]].map(list_cell_preview)
    overview = raw.frame[roles["overview"]].map(list_cell_preview) if roles.get("overview") else ""
    return pd.DataFrame({"title": title, "overview": overview})


@dataclass(frozen=True)
class UploadChoices:
    """What the viewer chose for an upload besides the column roles."""

    fields: list[str]
    duplicates: str  # "keep_first" | "renumber"
    model: str
    name: str


def render_upload() -> None:
    st.subheader("Upload a catalog")
    st.caption(
        "CSV, TSV, Excel (.xlsx), JSON, JSON Lines or Parquet, up to 200 MB and "
        f"{max_rows():,} videos. Only a title column is required; descriptions, tags and genres make better "
        "recommendations."
    )
    # No `type=` filter: a file of another kind gets vidrec's own message (naming the formats it reads) rather
    # than the uploader's refusal, and the same check guards requests that skip the browser.
    upload = st.file_uploader("Catalog file", key="data_file")
    encoding = st.selectbox(
        "Text encoding",
        list(ENCODINGS),
        format_func=ENCODINGS.get,
        key="data_encoding",
        help="For CSV, TSV and JSON files. Automatic detection reads UTF-8 (with or without BOM), UTF-16 and "
        "GB18030/GBK; choose another if the preview looks wrong.",
    )
    if upload is None:
        return
    raw = _read_and_preview(upload, encoding)
    if raw is None:
        return
    ns = _short_hash(upload.file_id, raw.sheet)  # the column choices belong to one sheet
    st.markdown("**Which column is which?** The guesses come from the column names; correct them here.")
    roles = role_selectors(raw, ns)
    if "title" not in roles:
        st.error("Choose the column that holds the titles: a catalog needs one.")
        return
    choices = _upload_choices(raw, roles, ns)
    catalog = _prepared_catalog(raw, roles, choices)
    if catalog is None:
        return
    save_key = _short_hash(
        upload.file_id,
        encoding,
        raw.sheet,
        raw.damaged_dropped,
        roles,
        choices.fields,
        choices.duplicates,
        choices.model,
        choices.name,
    )
    if st.button("Embed and save", type="primary", key="data_embed"):
        _embed_and_save(save_key, raw, roles, catalog, choices)


def _read_and_preview(upload: UploadedFile, encoding: str) -> RawTable | None:
    """Read the uploaded file (a workbook's sheet picker included) and show what was read; None when unreadable."""
    sheet_key = f"data_{_short_hash(upload.file_id)}_sheet"
    try:
        raw = read_upload_cached(
            upload.getvalue(), upload.name, upload.file_id, encoding, st.session_state.get(sheet_key)
        )
    except VidrecError as exc:
        show_error(exc)
        return None
    if len(raw.sheets) > 1:
        st.selectbox(
            "Sheet",
            raw.sheets,
            index=raw.sheets.index(raw.sheet),
            key=sheet_key,
            help="The first sheet that holds any row is read unless you choose another.",
        )
    how = f"{raw.format.upper()}" + (f", {codec_label(raw.encoding)}" if raw.encoding else "")
    size = f"{_count(len(raw.frame), 'row')} and {_count(len(raw.columns), 'column')}"
    st.markdown(md_escape(f"Read {size} from {raw.file_name} ({how})."))
    for note in raw.notes:
        say(note, st.info)
    raw = _damaged_rows(raw, upload.file_id)
    st.dataframe(preview_frame(raw.frame), hide_index=True, width="stretch")
    return raw


def _damaged_rows(raw: RawTable, file_id: str) -> RawTable:
    """Say which rows held damaged text (a NUL, a byte that does not decode) and let the viewer keep them cleaned
    or drop them; returns the table as chosen."""
    if not raw.damage:
        return raw
    drop = False
    if raw.damage.rows:
        drop = (
            st.radio(
                "Rows with damaged text",
                ["clean", "drop"],
                format_func={"clean": "Keep them, cleaned", "drop": "Leave them out"}.get,
                key=f"data_{_short_hash(file_id)}_damaged",
                horizontal=True,
                help="Cleaned: control characters are removed and bytes that do not decode become �.",
            )
            == "drop"
        )
    chosen = raw.without_damaged_rows() if drop else raw
    st.warning(md_escape(chosen.damage.summary(chosen.file_name, chosen.damaged_dropped)))
    details = chosen.damage.cells
    if details:
        with st.expander(f"Where: {_count(len(chosen.damage.rows), 'row')}"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "row": [cell.row for cell in details],
                        "column": [cell.column for cell in details],
                        "found": [cell.found(chosen.damage.codec) for cell in details],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    return chosen


def _upload_choices(raw: RawTable, roles: dict[str, str], ns: str) -> UploadChoices:
    """The embedded text's fields and order, what to do with repeated ids, the encoder and the catalog's name."""
    fields = st.multiselect(
        "Text the language model reads, in this order",
        text_field_choices(roles, raw.columns),
        default=default_text_fields(roles),
        format_func=lambda f: _field_label(f, roles),
        key=f"data_{ns}_fields_{_short_hash(roles)}",
        help="The title must stay in. To move a field to the end, remove it and add it again.",
    )
    duplicates = "keep_first"
    repeated = count_duplicate_ids(raw.frame, roles)
    if repeated:
        duplicates = st.radio(
            f"{repeated:,} row(s) repeat an id used by an earlier row",
            ["keep_first", "renumber"],
            format_func={
                "keep_first": "Keep the first row of each id",
                "renumber": "Ignore the id column and number the rows instead",
            }.get,
            key=f"data_{ns}_duplicates",
        )
    proposal = propose_encoder(_proposal_frame(raw, roles))
    model = st.selectbox(
        "Language model for this catalog",
        list(ENCODERS),
        index=list(ENCODERS).index(proposal.model),
        format_func=label,
        key=f"data_{ns}_model_{proposal.model}",
    )
    if proposal.model == "multilingual":
        st.info(md_escape(proposal.reason))
    default_name = Path(raw.file_name).stem + (f" ({raw.sheet})" if len(raw.sheets) > 1 else "")
    name = st.text_input("Catalog name", value=default_name[:80], key=f"data_{ns}_name", max_chars=80)
    return UploadChoices(fields, duplicates, model, name)


def _prepared_catalog(raw: RawTable, roles: dict[str, str], choices: UploadChoices) -> Catalog | None:
    """Validate under the chosen roles and say what was done to the rows; None (and the reason shown) if it fails."""
    try:
        prepared = prepare_catalog(
            raw,
            roles,
            choices.fields,
            name=choices.name or "catalog",
            max_tokens=max_tokens(choices.model),
            duplicates=choices.duplicates,
        )
    except VidrecError as exc:
        show_error(exc)
        return None
    catalog = prepared.catalog
    st.success(f"{_count(len(catalog), 'video')} ready (from {_count(prepared.rows_read, 'row')}).")
    for message in prepared.messages:
        say(message)
    if prepared.titles_only:
        st.info(TITLES_ONLY_MESSAGE)
    with st.expander("The text the model reads (first 5 videos)"):
        st.dataframe(pd.DataFrame({"embedded text": catalog.texts[:5]}), hide_index=True, width="stretch")
    return catalog


def _embed_and_save(
    save_key: str, raw: RawTable, roles: dict[str, str], catalog: Catalog, choices: UploadChoices
) -> None:
    """Keep the catalog (once per upload and mapping: pressing again resumes) and start embedding it as a job."""
    kept = _kept_for(save_key)
    if kept is None:
        try:
            kept = KeptCatalogs().add(
                catalog,
                name=choices.name or Path(raw.file_name).stem,
                file_name=raw.file_name,
                roles=roles,
                encoding=raw.encoding,
                model=choices.model,
                notes=list(catalog.notes),
            )
        except VidrecError as exc:
            show_error(exc)
            return
        st.session_state.setdefault("data_saved", {})[save_key] = kept.slug
    start_embedding(kept, choices.model)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _kept_for(save_key: str) -> KeptCatalog | None:
    """The catalog this exact upload and mapping was saved as (pressing again resumes instead of duplicating)."""
    slug = st.session_state.get("data_saved", {}).get(save_key)
    if slug is None:
        return None
    try:
        return KeptCatalogs().get(slug)
    except VidrecError:
        return None


def start_embedding(kept: KeptCatalog, model: str) -> None:
    """Hand the embedding to the server's job runner (joining the job already running for this catalog and model).
    It goes on when this tab closes; every finished chunk is kept, so Cancel, a failure or a restart loses nothing
    and the next Embed resumes."""
    try:
        encoder = cached_encoder(model)
    except VidrecError as exc:
        show_error(exc)
        return
    job = job_runner().submit(
        embed_job_key(kept.slug, model),
        partial(embed_kept_catalog, slug=kept.slug, encoder=encoder, model=model),
        title=f"Embedding '{kept.name}'",
        unit="videos",
        meta={"name": kept.name, "cancel_help": "Finished work is kept; press Embed to resume."},
    )
    st.session_state.setdefault(MY_JOBS_KEY, {})[job.number] = job.key
    st.session_state.setdefault(JOBS_SEEN_KEY, set()).add(job.number)  # so its end is noticed, however quick


def _finished_message(outcome: EmbedOutcome, selected: bool) -> Notice:
    report = outcome.report
    done = Notice(
        f"'{outcome.name}' is saved and embedded ({report.computed:,} new, {report.reused:,} already known)"
        + (" and selected in the sidebar. Open Map & clusters or Recommend to use it." if selected else ".")
    )
    if not report.not_saved:
        return done
    lost = Notice(
        f"What the language model read could not be kept on disk ({report.not_saved}), so it reads these videos "
        "again after a restart; free some space, or ask whoever runs this app for a writable data folder.",
        f"The new vectors were not saved; start the app with {DATA_DIR} set to a writable folder.",
    )
    return joined(done, lost)


def _ended_message(job: Job) -> tuple[str, Notice | str]:
    """(kind, text) saying how an ended job went; kind is success, warning or error."""
    name = job.meta.get("name", "")
    if job.state is JobState.FINISHED:
        if isinstance(job.result, EmbedOutcome):
            return "success", _finished_message(job.result, selected=False)
        return "success", job.describe()
    if job.key[0] == "embed" and job.ended and not _still_kept(job.key[1]):
        return "warning", f"Embedding of '{name}' stopped: the catalog was deleted."
    if job.state is JobState.CANCELLED and job.key[0] == "embed":
        snapshot = job.progress
        how_far = f" after {snapshot.done:,} of {snapshot.total:,} videos" if snapshot and snapshot.total else ""
        return "warning", (
            f"Embedding of '{name}' cancelled{how_far}. The finished part is kept: press 'Embed' again to resume, "
            "and only the rest is embedded."
        )
    if job.state is JobState.CANCELLED:
        return "warning", job.describe()
    return "error", job.describe()


def _still_kept(slug: str) -> bool:
    try:
        KeptCatalogs().get(slug)
    except VidrecError:
        return False
    return True


def _take_my_finished_jobs() -> None:
    """When an embedding this session started has finished: say so, select the catalog and run the app again."""
    mine: dict[int, tuple] = st.session_state.get(MY_JOBS_KEY, {})
    runner = job_runner()
    for number, key in list(mine.items()):
        job = runner.get(key)
        if job is None or job.number != number:
            mine.pop(number)
        elif job.state is JobState.FINISHED and isinstance(job.result, EmbedOutcome):
            mine.pop(number)
            st.session_state.setdefault(DISMISSED_KEY, set()).add(number)
            st.session_state[FLASH_KEY] = _finished_message(job.result, selected=True)
            select_catalog(str(job.result.path), job.result.model)
            rerun_app()
        elif job.ended:
            mine.pop(number)  # cancelled or failed: the jobs list says so to every session


def render_messages() -> None:
    _take_my_finished_jobs()
    # This run shows every job as it is now: the jobs list reruns the page only for one that ends after this.
    st.session_state[JOBS_SEEN_KEY] = {job.number for job in job_runner().active()}
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        say(flash, st.success)


@st.fragment(run_every=POLL_SECONDS)
def render_jobs() -> None:
    """The server's jobs: running and queued ones with progress, time left and Cancel; recently ended ones with
    their outcome. Any session sees them, and the page runs again when one ends."""
    runner = job_runner()
    jobs = runner.jobs()
    active = [job for job in jobs if job.active]
    rerun_when_one_ends(active, JOBS_SEEN_KEY)
    dismissed = st.session_state.setdefault(DISMISSED_KEY, set())
    ended = recently_ended(jobs, dismissed)
    if not active and not ended:
        return
    st.subheader("Jobs on this server")
    st.caption("They run on the server: close this tab and they go on; any tab of this app sees them here.")
    for job in active:
        show_job(job, "data_job")
    for job in ended:
        kind, text = _ended_message(job)
        message, dismiss = st.columns([6, 1], vertical_alignment="center")
        say(text, getattr(message, kind))
        dismiss.button("Dismiss", key=f"data_job_dismiss_{job.number}", on_click=dismissed.add, args=(job.number,))


def render_kept() -> None:
    st.subheader("Kept catalogs")
    st.caption(plain(SHARED_SERVER))
    kept, problems = kept_catalogs()
    for problem in problems:
        say(problem)
    if not kept:
        st.caption("None yet. Catalogs you embed and save here are kept across restarts and listed in the sidebar.")
        return
    _kept_table(kept)
    by_slug = {k.slug: k for k in kept}
    slug = st.selectbox("Manage", list(by_slug), format_func=lambda s: by_slug[s].name, key="data_manage")
    current = by_slug[slug]
    rename_col, embed_col, delete_col = st.columns(3)
    with rename_col:
        _rename(current)
    with embed_col:
        _use_or_embed(current)
    with delete_col:
        _delete(current)


def _kept_table(kept: list[KeptCatalog]) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                "name": [k.name for k in kept],
                "file": [k.file_name for k in kept],
                "videos": [k.rows for k in kept],
                "language model": [label(k.model) for k in kept],
                "embedded": [_embedded_state(k) for k in kept],
                "titles only": ["yes" if k.titles_only else "" for k in kept],
                "added": [k.created for k in kept],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _embedded_state(kept: KeptCatalog) -> str:
    if kept.is_embedded(kept.model):
        return "yes"
    job = job_runner().get(embed_job_key(kept.slug, kept.model))
    return "embedding now" if job is not None and job.active else "not finished"


def _rename(current: KeptCatalog) -> None:
    slug = current.slug
    new_name = st.text_input("New name", value=current.name, key=f"data_rename_{slug}", max_chars=80)
    if st.button("Rename", key=f"data_rename_button_{slug}"):
        try:
            KeptCatalogs().rename(slug, new_name)
        except VidrecError as exc:
            show_error(exc)
        else:
            st.session_state[FLASH_KEY] = f"Renamed to '{' '.join(new_name.split())}'."
            rerun_app()


def _use_or_embed(current: KeptCatalog) -> None:
    """Use it in the app when it is embedded with the chosen encoder, else embed it (resuming)."""
    slug = current.slug
    model = st.selectbox(
        "Language model",
        list(ENCODERS),
        index=list(ENCODERS).index(current.model) if current.model in ENCODERS else 0,
        format_func=label,
        key=f"data_model_{slug}",
    )
    if current.is_embedded(model):
        if st.button("Use in the app", key=f"data_use_{slug}"):
            if current.model != model:
                KeptCatalogs().set_model(slug, model)
            select_catalog(str(current.path), model)
            rerun_app()
    else:
        job = job_runner().get(embed_job_key(slug, model))
        if job is not None and job.active:
            st.caption("Being embedded now: its progress is in the jobs list above.")
        elif st.button("Embed (resumes where it stopped)", key=f"data_resume_{slug}"):
            start_embedding(current, model)
            st.rerun()  # the jobs list shows the new job at once


def _delete(current: KeptCatalog) -> None:
    slug = current.slug
    sure = st.checkbox("Yes, delete this catalog", key=f"data_delete_sure_{slug}")
    if st.button("Delete", key=f"data_delete_{slug}", disabled=not sure):
        for job in job_runner().active():  # its embedding stops at the next chunk and says why
            if job.key[0] == "embed" and job.key[1] == slug:
                job_runner().cancel(job.key)
        try:
            KeptCatalogs().delete(slug)
        except VidrecError as exc:
            show_error(exc)
        else:
            st.session_state[FLASH_KEY] = f"Deleted '{current.name}'."
            rerun_app()


def rerun_app() -> None:
    """Run the whole app again on this page, so the sidebar applies a pending catalog switch at once."""
    st.switch_page("pages/data.py")
