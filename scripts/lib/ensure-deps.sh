# Sourced by the scripts: installs what a fresh Debian machine lacks for building EmbedQ.
# Swift itself must already be installed (Swift 6.x).
EMBEDQ_DEBIAN_PACKAGES=(libopenblas-dev pkg-config)

ensure_debian_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "embedq: installing Debian packages: ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
    fi
}

if command -v dpkg >/dev/null 2>&1 && [ ${#EMBEDQ_DEBIAN_PACKAGES[@]} -gt 0 ]; then
    ensure_debian_packages "${EMBEDQ_DEBIAN_PACKAGES[@]}"
fi
