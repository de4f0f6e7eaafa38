"""Key-person meetings: availability (staff's weekly hours, parsed), free slots (one pure
function, for any caller), the meeting options of setting.toml, and the .ics invitation."""
