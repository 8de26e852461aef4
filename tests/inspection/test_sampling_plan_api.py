"""``GET /api/v1/sampling-plan/``: any combination the standard has, a 400 for anything else."""

import pytest

URL = "/api/v1/sampling-plan/"


@pytest.mark.django_db
def test_the_worked_example(api_as, demo):
    response = api_as("logistics1").get(URL, {"lot_size": 1500, "level": "II", "severity": "normal", "aql": "2.5"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "lot_size": 1500,
        "level": "II",
        "severity": "normal",
        "aql": "2.5",
        "code_letter": "K",
        "sample_size": 125,
        "accept": 7,
        "reject": 8,
        "full_inspection": False,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"lot_size": 1500, "aql": "4.0", "severity": "tightened"}, ("K", 125, 8, 9, False)),
        ({"lot_size": 1500, "aql": "2.50", "severity": "reduced"}, ("K", 50, 5, 6, False)),
        ({"lot_size": 1500, "aql": "0.01"}, ("K", 1250, 0, 1, False)),
        ({"lot_size": 1500, "aql": "1000", "level": "S-1"}, ("C", 3, 44, 45, False)),  # C ↑ to B
        ({"lot_size": 5, "aql": "0.65"}, ("A", 5, 0, 1, True)),
        ({"lot_size": 2, "aql": "6.5", "level": "III"}, ("B", 2, 0, 1, True)),
        ({"lot_size": 900000, "aql": "0.25", "level": "III"}, ("R", 2000, 10, 11, False)),
    ],
)
def test_any_combination(api_as, demo, query, expected):
    response = api_as("tech1").get(URL, query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["code_letter"],
        body["sample_size"],
        body["accept"],
        body["reject"],
        body["full_inspection"],
    ) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lot_size": 0, "aql": "2.5"}, "lot_size"),
        ({"lot_size": 1, "aql": "2.5"}, "lot_size"),
        ({"lot_size": -3, "aql": "2.5"}, "lot_size"),
        ({"lot_size": "many", "aql": "2.5"}, "lot_size"),
        ({"aql": "2.5"}, "lot_size"),
        ({"lot_size": 100, "aql": "3.0"}, "aql"),
        ({"lot_size": 100, "aql": "2"}, "aql"),
        ({"lot_size": 100, "aql": "nan"}, "aql"),
        ({"lot_size": 100}, "aql"),
        ({"lot_size": 100, "aql": "2.5", "level": "IV"}, "level"),
        ({"lot_size": 100, "aql": "2.5", "level": "G2"}, "level"),
        ({"lot_size": 100, "aql": "2.5", "severity": "discontinued"}, "severity"),
    ],
)
def test_anything_else_is_a_400_naming_the_field(api_as, demo, query, field):
    response = api_as("qa1").get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_anonymous_is_refused(api_client):
    assert api_client.get(URL, {"lot_size": 100, "aql": "2.5"}).status_code == 401
