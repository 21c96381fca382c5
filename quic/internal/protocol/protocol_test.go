package protocol

import "testing"

func TestConnectionID(t *testing.T) {
	a := NewConnectionID([]byte{1, 2, 3})
	b := NewConnectionID([]byte{1, 2, 3})
	if a != b || a.Len() != 3 || a.String() != "010203" {
		t.Errorf("got %v (len %d), %v", a, a.Len(), b)
	}
	if NewConnectionID(nil) == a || NewConnectionID(nil).Len() != 0 {
		t.Error("empty connection ID compares equal to a non-empty one")
	}
	m := map[ConnectionID]int{a: 1}
	if m[b] != 1 {
		t.Error("connection ID does not work as a map key")
	}
	if got := a.Bytes(); len(got) != 3 || got[2] != 3 {
		t.Errorf("Bytes() = %x", got)
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		v        Version
		reserved bool
		str      string
	}{
		{Version1, false, "00000001"},
		{Version2, false, "6b3343cf"},
		{0x1a2a3a4a, true, "1a2a3a4a"},
		{0xfafafafa, true, "fafafafa"},
	}
	for _, tt := range tests {
		if tt.v.IsReserved() != tt.reserved || tt.v.String() != tt.str {
			t.Errorf("%#x: reserved %v, string %q", uint32(tt.v), tt.v.IsReserved(), tt.v.String())
		}
	}
}

func TestPacketTypeSpace(t *testing.T) {
	tests := []struct {
		t     PacketType
		space Space
		name  string
	}{
		{PacketInitial, SpaceInitial, "initial"},
		{PacketHandshake, SpaceHandshake, "handshake"},
		{Packet0RTT, SpaceAppData, "0RTT"},
		{Packet1RTT, SpaceAppData, "1RTT"},
	}
	for _, tt := range tests {
		if tt.t.Space() != tt.space || tt.t.String() != tt.name {
			t.Errorf("%v: space %v name %q", tt.t, tt.t.Space(), tt.t.String())
		}
	}
	if SpaceAppData.String() != "application_data" {
		t.Error(SpaceAppData.String())
	}
}
