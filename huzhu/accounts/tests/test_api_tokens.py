def test_health_needs_no_token_and_shows_no_data(db, client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
