# test_images.py: run `npx openrouter-images-mock serve` first, then `pytest`.
import base64
import os

import pytest
import requests

MOCK = os.environ.get("MOCK_URL", "http://127.0.0.1:4010")
API = f"{MOCK}/api/v1"


class Mock:
    """Steers the running mock through its control routes."""

    def scenario(self, scenario, times=None, **match):
        body = {"scenario": scenario}
        if times is not None:
            body["times"] = times
        if match:
            body["match"] = match
        response = requests.post(f"{MOCK}/__mock/scenarios", json=body, timeout=5)
        assert response.status_code == 201, response.json()["error"]["message"]
        return response.json()["id"]

    def respond_with(self, *images, **fields):
        response = requests.post(f"{MOCK}/__mock/responses", json={"images": images, **fields}, timeout=5)
        assert response.status_code == 201, response.json()["error"]["message"]

    def requests(self, **filters):
        return requests.get(f"{MOCK}/__mock/requests", params=filters, timeout=5).json()["data"]


@pytest.fixture
def mock():
    """Each test starts from a clean mock: no scenarios, an empty journal, fresh credits."""
    requests.post(f"{MOCK}/__mock/reset", timeout=5).raise_for_status()
    return Mock()


def generate(prompt, **fields):
    return requests.post(
        f"{API}/images",
        headers={"Authorization": "Bearer sk-or-v1-test"},
        json={"model": "openai/gpt-image-1", "prompt": prompt, **fields},
        timeout=30,
    )


def test_generates_an_image(mock):
    response = generate("a lighthouse at dawn", size="1536x1024")
    assert response.status_code == 200
    assert base64.b64decode(response.json()["data"][0]["b64_json"])[:4] == b"\x89PNG"
    assert mock.requests(limit=1)[0]["body"]["size"] == "1536x1024"


def test_rate_limited_once_then_served(mock):
    mock.scenario("rate-limited", times=1)
    first = generate("patience")
    assert first.status_code == 429
    assert first.headers["Retry-After"] == "1"
    assert generate("patience").status_code == 200


def test_out_of_credits_only_for_one_model(mock):
    mock.scenario("insufficient-credits", model="openai/gpt-image-1")
    assert generate("one more").json()["error"]["code"] == 402
    assert generate("one more", model="google/gemini-2.5-flash-image").status_code == 200


def test_a_fixture_image(mock):
    mock.respond_with({"synthesize": {"width": 64, "height": 64, "format": "png", "label": "fixture"}})
    image = generate("anything").json()["data"][0]
    assert image["media_type"] == "image/png"
