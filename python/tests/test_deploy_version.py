"""DeployProjectVersion's body has no members and may be left out, as the
platform's own client sends the request; the typed methods make it optional."""

from __future__ import annotations

import asyncio

import versori

FILES = [{"filename": "index.ts", "content": "webhook('orders');"}]


def test_a_version_deploys_without_a_body(client: versori.Client) -> None:
    project = client.create_project({"name": "no-body"})
    client.deploy_project(
        project.id, {"files": FILES, "labels": {}, "versionName": "v0"}, project_env="production"
    )
    version = client.create_project_version(project.id, {"name": "v9", "files": FILES})
    deployed = client.deploy_project_version(project.id, version.id, project_env="production")
    production = [e for e in deployed.environments if e.name == "production"]
    assert production and production[0].deployed_version is not None
    assert production[0].deployed_version.id == version.id
    # an explicit body still works
    again = client.deploy_project_version(project.id, version.id, {}, project_env="production")
    assert again.id == project.id


def test_an_async_version_deploys_without_a_body(aclient: versori.AsyncClient) -> None:
    async def run() -> str:
        # the version deployed, read back from the answer
        project = await aclient.create_project({"name": "no-body-async"})
        await aclient.deploy_project(
            project.id,
            {"files": FILES, "labels": {}, "versionName": "v0"},
            project_env="production",
        )
        version = await aclient.create_project_version(project.id, {"name": "v9", "files": FILES})
        deployed = await aclient.deploy_project_version(
            project.id, version.id, project_env="production"
        )
        production = [e for e in deployed.environments if e.name == "production"]
        assert production and production[0].deployed_version is not None
        return production[0].deployed_version.id

    assert asyncio.run(run())
