"""The request signing of both providers matches their documented worked examples.

The fakes in ``sms_fakes`` verify the SDKs' requests with signing functions written again from
the providers' documents; here those functions, and the SDKs' own, reproduce each document's
example exactly, so "the fake accepts the SDK's request" means "the provider would".
"""

from __future__ import annotations

import hashlib
import json

from tests.unit.sms_fakes import (
    acs3_authorization,
    acs3_encode,
    tc3_canonical_request,
    tc3_signature,
)

# Alibaba Cloud, "V3版本请求体&签名机制" (help.aliyun.com/zh/sdk/product-overview/
# v3-request-structure-and-signature), the fixed-input example: RunInstances on ECS.
ALIYUN_EXAMPLE = {
    "key_id": "YourAccessKeyId", "secret": "YourAccessKeySecret", "method": "POST", "path": "/",
    "query": [("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"),
              ("RegionId", "cn-shanghai")],
    "headers": {
        "host": "ecs.cn-shanghai.aliyuncs.com", "x-acs-action": "RunInstances",
        "x-acs-version": "2014-05-26", "x-acs-date": "2023-10-26T10:22:32Z",
        "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
        "x-acs-content-sha256":
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    "payload": b"",
}
ALIYUN_AUTHORIZATION = (
    "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
    "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
    "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0")

# Tencent Cloud API 3.0, "签名方法 v3" (the same page in every product's API docs, e.g.
# intl.cloud.tencent.com/zh/document/api/1021/34193): DescribeInstances on CVM at timestamp
# 1551113065 with the documented example keys.
TENCENT_SECRET = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TENCENT_PAYLOAD = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], ' \
                  b'"Name": "instance-name"}]}'
TENCENT_HEADERS = {"Content-Type": "application/json; charset=utf-8",
                   "Host": "cvm.tencentcloudapi.com"}
TENCENT_PAYLOAD_HASH = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
TENCENT_CANONICAL_HASH = "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
TENCENT_SIGNATURE = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"


def test_alibaba_v3_signature_matches_the_documented_example() -> None:
    assert acs3_authorization(**ALIYUN_EXAMPLE) == ALIYUN_AUTHORIZATION  # type: ignore[arg-type]
    # The document's encoding rules: space as %20 (not +), * as %2A, ~ kept, UTF-8 bytes.
    assert acs3_encode("a b*c~d/中") == "a%20b%2Ac~d%2F%E4%B8%AD"


def test_the_alibaba_sdk_signs_as_documented() -> None:
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.request import DaraRequest

    request = DaraRequest()
    request.method, request.pathname = "POST", "/"
    request.query = dict(ALIYUN_EXAMPLE["query"])  # type: ignore[arg-type]
    request.headers = dict(ALIYUN_EXAMPLE["headers"])  # type: ignore[arg-type]
    payload = hashlib.sha256(b"").hexdigest()
    assert Utils.get_authorization(request, "ACS3-HMAC-SHA256", payload, "YourAccessKeyId",
                                   "YourAccessKeySecret") == ALIYUN_AUTHORIZATION


def test_tencent_tc3_signature_matches_the_documented_example() -> None:
    assert hashlib.sha256(TENCENT_PAYLOAD).hexdigest() == TENCENT_PAYLOAD_HASH
    assert json.loads(TENCENT_PAYLOAD)["Filters"][0]["Values"] == ["未命名"]
    canonical, signed = tc3_canonical_request(method="POST", query="", headers=TENCENT_HEADERS,
                                              payload=TENCENT_PAYLOAD)
    assert signed == "content-type;host"
    assert canonical == ("POST\n/\n\ncontent-type:application/json; charset=utf-8\n"
                         "host:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
                         + TENCENT_PAYLOAD_HASH)
    assert hashlib.sha256(canonical.encode()).hexdigest() == TENCENT_CANONICAL_HASH
    assert tc3_signature(secret=TENCENT_SECRET, timestamp=1551113065, service="cvm",
                         canonical_request=canonical) == TENCENT_SIGNATURE
    # A wrong key gives another signature (the fake's check can fail).
    assert tc3_signature(secret=TENCENT_SECRET + "x", timestamp=1551113065, service="cvm",
                         canonical_request=canonical) != TENCENT_SIGNATURE


def test_the_tencent_sdk_signs_as_documented() -> None:
    from tencentcloud.common.sign import Sign

    to_sign = f"TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n{TENCENT_CANONICAL_HASH}"
    assert Sign.sign_tc3(TENCENT_SECRET, "2019-02-25", "cvm", to_sign) == TENCENT_SIGNATURE
