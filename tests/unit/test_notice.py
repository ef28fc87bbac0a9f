"""A notice's plain words and its engineers' detail stay apart through joining and pickling."""

import json
import pickle

from vidrec_core.core.notice import Notice, detail_of, joined, whole


def test_a_notice_is_its_words_and_carries_its_detail():
    notice = Notice("Release years count less here.", "Year evidence counts 50% of its fitted weight.")
    assert notice == "Release years count less here." and "50%" not in notice
    assert detail_of(notice) == "Year evidence counts 50% of its fitted weight."
    assert whole(notice) == "Release years count less here. (Year evidence counts 50% of its fitted weight.)"
    assert json.dumps([notice]) == '["Release years count less here."]'  # serialise `whole` where detail is wanted
    assert whole("plain") == "plain" and detail_of("plain") == ""


def test_joined_notices_keep_words_and_details_apart_and_survive_pickling():
    both = joined(Notice("A.", "a-detail"), "", "B.", Notice("C.", "c-detail"))
    assert both == "A. B. C." and both.detail == "a-detail c-detail"
    again = pickle.loads(pickle.dumps(both))
    assert isinstance(again, Notice) and again == both and again.detail == both.detail
